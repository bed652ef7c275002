"""Most Significant Change: domains, reporting periods and selection rounds (panels,
candidates, ballots, passes, decisions), feedback to storytellers and verification.

Modules, in the order a round uses them: `domains`, `periods`, `rounds` (create, read,
who sees what), `states` (the facilitator's moves and why a move is refused),
`members` (panels and guest members), `candidates` (eligible stories, domains, the
reading pack), `ballots` (casting, paper ballots, who has voted), `counting` (a round's
tally), `tallies` and `tally_ballots` (the pure tally methods and the ballots they read),
`passes`, `decisions` (reasons, closing, promotion to the parent round), `feedback`,
`verification`.
"""
