from atiende.cli import main

main()
