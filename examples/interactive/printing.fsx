// What F# Interactive shows for tensors with no set-up beyond the two lines a user types.
// scripts/check-fsi-printing.sh feeds this to `dotnet fsi --use:` (which prints values, as typing them
// would; `--exec` does not) and compares the transcript with printing.out. The package comes from
// artifacts/ through examples/nuget.config.
#r "nuget: Corgi.FSharp"
open Corgi.FSharp;;
let t = tensor [[1.;2.];[3.;4.]];;
t;;
let big = Tensor.arange 2000 |> Tensor.reshape [2;1000];;
big + 1.0;;
let cube = Tensor.arange 24 |> Tensor.reshape [2;3;4];;
let w = tensor [1.;2.] |> Tensor.tracked;;
let rows = Tensor.ones [100000; 100];;
#quit;;
