"""HTTP side of JalSamvad: the FastAPI app is built by `api.app.create_app`."""
