"""Drinking-water quality: IS 10500 limits as versioned data and the check of field-test-kit
readings against them. Pure core code: no web framework, no channel library."""

from grievance.quality.check import Finding, Reading, Report, Verdict, check
from grievance.quality.limits import Limits, ParameterLimit, PresenceLimit, load_limits

__all__ = [
    "Finding",
    "Limits",
    "ParameterLimit",
    "PresenceLimit",
    "Reading",
    "Report",
    "Verdict",
    "check",
    "load_limits",
]
