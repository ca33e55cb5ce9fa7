"""Remote SPARQL stores: the client (auth, retries, row caps, explicit query form), and
load, query, remove and export against real servers."""
