"""The network document: what the user designs, Qt-free and evented (psygnal)."""

from nnstudio.model.document import DocumentError, LayerState, NetworkDocument

__all__ = ["DocumentError", "LayerState", "NetworkDocument"]
