"""Hồ sơ đơn vị — the core of a unit's file, on which both of its sides build: the unit's workspace and
explanation pages (:mod:`portal.assessments`) and the council's appraisal pages (:mod:`portal.appraisal`).

It holds the pure visibility rules (``domain``), the score entries of every stage and their versioned,
audited write (``entries``), the explanations (``explanations``), who reads the file and what they see of a
field (``readers``) and the item histories (``history``). It stands below both sides and imports neither
(the tables it reads, ``portal.assessments.models`` and ``portal.appraisal.models``, stand on its floor).
"""
