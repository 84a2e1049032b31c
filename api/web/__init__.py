"""The web queue for committee members and engineers: small server-rendered pages and plain
HTML forms over the staff services of `grievance.staff`, so a cheap phone on a slow network can
use it. `api.web.routes.install` adds it to the application."""
