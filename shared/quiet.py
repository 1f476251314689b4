"""Silence eventlet's import-time deprecation notice: nameko 2 needs eventlet, and the notice is noise."""

import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
