"""A Mongrel2 handler for any WSGI application, as a PasteDeploy server runner.

`[server:main]` with `use = egg:rum#mongrel2` (see docs/deploying.md). The handler speaks
Mongrel2's ZeroMQ protocol (JSON headers): it pulls requests from Mongrel2's `send_spec`,
publishes replies to its `recv_spec`, honours download credits, reads large and chunked
uploads from Mongrel2's temporary files and stops a response when the client leaves.
Nothing here imports Rum.
"""
