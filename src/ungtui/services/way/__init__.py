"""The individual's way and the agreements' guarantees: phases, measures, job tracks, exits and
the follow-ups due after them."""
