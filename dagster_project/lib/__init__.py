"""lib package."""
