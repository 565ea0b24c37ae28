"""Sign-in throttling (django-axes) in front of Django's model backend."""

from axes.backends import AxesStandaloneBackend


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuses sign-ins for an account or address locked out after repeated failures.

    Sign-ins through a form always carry the request; code that authenticates without
    one (the shell, the test client's login()) has no address to throttle, so it is let
    through to the model backend rather than failing.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
