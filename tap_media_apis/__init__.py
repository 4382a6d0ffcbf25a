"""Singer tap for Mux Video, AssemblyAI, Shutterstock, 100ms and Basecamp."""
