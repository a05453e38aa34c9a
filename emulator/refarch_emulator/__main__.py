from refarch_emulator.control import main

main()
