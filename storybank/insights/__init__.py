"""The evaluator's insights: counts with their denominators, cross-tabs, co-occurrence,
trends, what panels select, value recorded in stories, meta-monitoring and agreement."""
