"""The aid service's functional core: plain data in, decisions out, no database, broker or clock.

The shell (applications.py, approvals.py, submissions.py, disbursement.py) reads rows, asks the core and
has moves.py carry out what it decides; its errors (shared/domain_errors.py) become the HTTP contract's at
the RPC entrypoint (shared/edge.py).
"""
