"""Insights: figures about the stories a person may read, with their charts."""
