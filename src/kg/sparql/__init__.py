"""Where SPARQL requests are answered: the SPARQL 1.1 Protocol (protocol), the service
description (description) and the answers cache (results)."""
