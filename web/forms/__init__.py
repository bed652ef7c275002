"""The pages' forms: what they ask, how their input is read, and the messages they show."""
