"""mbp-registry: the workforce, supervision and succession registry for services that
deliver mindfulness-based programmes.

Everything here is plain library code: a user can call it from Python as the
command line does. Nothing in this package knows about Click or terminals.
"""
