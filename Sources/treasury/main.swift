print("treasury: not built yet")
