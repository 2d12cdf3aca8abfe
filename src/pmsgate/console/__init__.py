"""The web console (`/console`) and the connect pages (`/connect/{token}`): server-rendered HTML,
every asset shipped in the package."""
