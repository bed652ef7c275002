"""Most Significant Change: selection rounds, panels and the tallies of their ballots."""
