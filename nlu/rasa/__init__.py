"""The Rasa 3.6 side of JalSamvad's NLU: a Rasa project over `nlu/data` and its tools.

Rasa itself runs in a separate Python 3.10 environment (see README.md, serve.sh); the modules
here run in JalSamvad's own environment and talk to the server over HTTP only.
"""
