"""Security headers on Rum's own responses."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {frames}")


def secure(response, frame_ancestors: str) -> None:
    """nosniff and a referrer policy everywhere; a strict CSP (no inline script) on pages."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.content_type == "text/html":
        response.headers.setdefault("Content-Security-Policy",
                                    CSP.format(frames=frame_ancestors))
