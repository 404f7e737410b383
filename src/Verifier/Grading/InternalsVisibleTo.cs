using System.Runtime.CompilerServices;

// The tests compare parsed trees directly, bypassing the equal-string fast path.
[assembly: InternalsVisibleTo("BestOfN.Verifier.Tests")]
