"""The browser policies every response carries (settings CONTENT_SECURITY_POLICY and
PERMISSIONS_POLICY)."""

from csp.constants import NONE, SELF


def content_security_policy(*, report_uri: str = "") -> dict:
    """Return django-csp 4's policy: only the portal's own files run or style a page; no inline
    script or style (the JS and CSS live in static/), no plugin, no framing, forms post only here.
    Images: the portal's own (captcha, QR codes) and data: URIs (Bootstrap's CSS draws its icons
    as SVG data URIs). Files people uploaded are served with a sandbox policy of their own
    (core.headers.file_response). `report_uri`: where violations are reported, if anywhere."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [NONE],
            "frame-ancestors": [NONE],
            "form-action": [SELF],
            **({"report-uri": [report_uri]} if report_uri else {}),
        },
    }


# The portal uses no device feature; a page of it cannot ask for one.
PERMISSIONS_POLICY_NONE = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
