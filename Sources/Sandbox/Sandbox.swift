// The local Dreamy Leads API simulator.
