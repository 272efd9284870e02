"""The page shell shared by every app: base layout, navigation by role, sign-in, the home page."""
