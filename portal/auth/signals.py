"""Signals of the accounts area (blinker, shipped with Flask). Higher areas subscribe; auth imports none
of them (the inbox lives in portal.notifications, which listens in its own listeners module)."""
from blinker import Namespace

_signals = Namespace()

#: Repeated failed sign-ins. Sent after the failure is counted, inside the request's transaction, with
#: ``username``, ``user_id`` (None for an address spraying many names), ``failures``, ``address``, ``now``
#: and ``scope`` ('account': consecutive failures of one account; 'address': one address across accounts).
login_failures_repeated = _signals.signal("login-failures-repeated")
