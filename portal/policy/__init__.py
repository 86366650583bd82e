"""Who may do what, in one layer (conventions rule 15): who asks (:mod:`~portal.policy.roles`: the roles, the
role sets and :class:`~portal.policy.roles.Actor`), what a rule answers (:mod:`~portal.policy.decisions`:
:class:`~portal.policy.decisions.Decision` and the refusal codes), the actor of the signed-in user
(:mod:`~portal.policy.actors`) and the one check that turns a refusal into the typed exception with its
message (:mod:`~portal.policy.refusals`). Each area's ``can_*`` rules stay in its own ``domain.py``."""
