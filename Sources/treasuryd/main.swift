print("treasuryd: not built yet")
