"""The network canvas: scene, items, view."""
