from tap_media_apis.cli import main

main()
