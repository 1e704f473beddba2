"""ungtui: samverkan kring unga och nyanlända, i terminalen."""

__version__ = "0.1.0"
