"""The codebook cue matcher: lemma patterns per code, with negation, hedging and change scope."""
