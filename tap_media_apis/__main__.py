import sys

from tap_media_apis.cli import main

# python -m tap_media_apis [--as tap-mux] ARGS: the suite's tap, or one API's tap.
if sys.argv[1:2] == ["--as"]:
    main(sys.argv[3:], tap_name=sys.argv[2])
else:
    main()
