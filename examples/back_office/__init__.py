"""A small back office on Rum: customers and invoices, with every extension point of
docs/extending.md at work (examples/back_office/admin.py holds them).

Run it from the project root (after `make test` or `make serve` has made .venv):

    .venv/bin/python -m examples.back_office                  # built in Python (app.py)
    .venv/bin/python -m examples.back_office --cfg            # from back_office.cfg
    .venv/bin/python -m examples.back_office --user ann --roles accountant --port 8081

It serves http://127.0.0.1:8080/ with wsgiref. The Python build keeps its database in
`$BACK_OFFICE_DB` (default: back_office.db in the system's temp directory), the .cfg
build in back_office.db beside the .cfg; either is made and filled on the first start.
`--user` and `--roles` stand in for a host's login: accountants also see void invoices
and set an invoice's status by hand (others through its actions).
"""
