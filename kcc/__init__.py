"""The command-line layer above the domain (``monitor``) and the Faust app (``streams``)."""
