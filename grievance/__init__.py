"""JalSamvad grievance core: directory, tickets, routing, SLA and the audit chain.

This package is the heart every channel and HTTP route calls into. It must never import
fastapi, telegram or twilio (a test enforces it).
"""
