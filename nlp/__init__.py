"""Natural-language processing for storybank (code suggestions, PII detection).

Knows nothing of the database: text and labelled examples in, plain dataclasses out.
The suggestion pipeline arrives with the NLP issue; this package is its home.
"""
