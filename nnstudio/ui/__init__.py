"""The Qt desktop studio. The only package that imports PySide6, pyqtgraph or superqt."""
