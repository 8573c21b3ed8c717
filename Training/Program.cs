using System.Globalization;
using NetflixML.Training.Cli;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return NetflixCli.Run(args, Console.Out, Console.Error);
