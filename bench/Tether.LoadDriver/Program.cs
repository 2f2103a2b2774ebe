Console.Error.WriteLine("usage: tether-load (not yet)"); return 2;
