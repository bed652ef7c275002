"""storybank: a change-story bank for Community Led Support programmes."""

__version__ = "0.1.0"
