"""Short fictional story texts in three clear groups, for topic and similarity tests."""

LUNCH = [
    "Ada started going to the lunch club at the village hall and made friends there.",
    "The lunch club volunteers picked Ken up every Thursday; he looks forward to the lunch club.",
    "After a month at the lunch club in the village hall, Rita no longer eats alone.",
    "Ben helps set the tables at the lunch club and chats with the volunteers.",
]
TELECARE = [
    "A falls sensor and a pendant alarm meant Iris could stay at home safely at night.",
    "The telecare alarm called her son when the bed sensor noticed Iris had fallen.",
    "With a door sensor and a pendant alarm, Tom kept living in his own home.",
    "The night sensor and alarm gave Nell's daughter peace of mind at home.",
]
DEBT = [
    "The navigator helped Sam with council tax arrears and a letter to the bailiffs.",
    "Rent arrears and debt letters were sorted with a benefits check for Joy.",
    "A grant cleared the arrears, and the benefits advice stopped the debt letters.",
    "Lee's council tax debt was paid down after the benefits check found missed money.",
]


def numbered(*groups: list[str]) -> list[tuple[int, str]]:
    """The texts of the groups, numbered from 1 in order."""
    texts = [text for group in groups for text in group]
    return list(enumerate(texts, start=1))
