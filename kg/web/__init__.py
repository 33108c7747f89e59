"""The HTTP face: the Flask app, the SPARQL 1.1 Protocol, content negotiation and the query safety checks."""
