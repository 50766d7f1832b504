// Trains a classifier on the three-arm spiral set and plots its loss curve with Plotly.NET: the loss of
// every mini-batch and the mean loss of every epoch, as two traces of one interactive chart (hover, zoom,
// pan, click a legend entry to hide a trace) with a title and axis titles. Writes
// examples/out/loss-curve.html, then checks that the loss fell and that the page holds both traces' data
// and plotly.js itself.
//
// Run: bash scripts/run-fsx-examples.sh   (or dotnet fsi examples/loss-curve.fsx after packing to artifacts/;
// see quickstart.fsx for how the package is found). Plotly.NET comes from the ordinary NuGet feed; its restore
// prints a harmless NU1605 warning (Plotly.NET 6.0.0 asks for FSharp.Core >= 10.1.403, F# Interactive
// pins its own 10.1.401, which is the one loaded; a script cannot reference another FSharp.Core).
//
// In F# Interactive the one-liner is `epochLosses |> List.indexed |> Chart.Line |> Chart.show`, which writes
// a temporary HTML file and opens it in the default browser. A script that runs unattended (here, in the
// test suite) saves the file instead: `Chart.saveHtml path`.
#r "nuget: Corgi.FSharp"
#r "nuget: Plotly.NET, 6.0.0"

open System.IO
open System.Text.Json
open Corgi.FSharp
open Plotly.NET

// ---------------------------------------------------------------- training
let x, labels = Data.spirals 3 0.2 100 5 // 300 points on three arms
let model =
    Model.create
        (Layer.seed 11 >> Layer.dense 2 48 >> Layer.tanh >> Layer.dense 48 48 >> Layer.relu >> Layer.dense 48 3)
        (Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.005 })
        Cost.softmaxCrossEntropy

let stepLosses = ResizeArray<float>()
let options = { Model.FitOptions.defaults with Epochs = 40; BatchSize = 30; Seed = 1; ProgressInterval = 1 }
// with ProgressInterval = 1 every step is reported once; Loss is that mini-batch's loss
let epochLosses = model |> Model.fitWith (fun p -> stepLosses.Add p.Loss) options (x, labels)
let stepsPerEpoch = stepLosses.Count / options.Epochs
let accuracy = model |> Model.accuracy x labels
printfn "trained %d steps (%d epochs): epoch loss %.4f -> %.4f, training accuracy %.1f%%"
    stepLosses.Count options.Epochs (List.head epochLosses) (List.last epochLosses) (100.0 * accuracy)

// ---------------------------------------------------------------- the plot
// The x axis counts training steps; each epoch's mean loss is drawn at the step that ends the epoch.
let stepTrace =
    Chart.Line(
        [ 1 .. stepLosses.Count ], stepLosses,
        Name = "mini-batch loss", LineColor = Color.fromHex "#6baed6", LineWidth = 1.0)
let epochTrace =
    Chart.Line(
        [ for e in 1 .. options.Epochs -> e * stepsPerEpoch ], epochLosses,
        Name = "epoch mean loss", ShowMarkers = true,
        LineColor = Color.fromHex "#d9480f", LineWidth = 2.5, MarkerColor = Color.fromHex "#d9480f")

// plotly.js is referenced from a CDN by default (PlotlyJSReference.CDN "https://cdn.plot.ly/..."), and such a
// page shows nothing without internet. PlotlyJSReference.Full inlines the plotly.js that ships inside the
// Plotly.NET package (~3.5 MB), so the page is self-contained: it renders offline and can be mailed or archived
// as one file. (Require and NoReference also need plotly.js from elsewhere.)
let selfContained = DisplayOptions.init (PlotlyJSReference = PlotlyJSReference.Full)

let outDir = Path.Combine(__SOURCE_DIRECTORY__, "out")
Directory.CreateDirectory outDir |> ignore
let htmlPath = Path.Combine(outDir, "loss-curve.html")

[ stepTrace; epochTrace ]
|> Chart.combine
|> Chart.withTitle (
    sprintf "Training loss: 3-arm spirals, 2-48-48-3 network, Adam (lr 0.005), training accuracy %.1f%%" (100.0 * accuracy))
|> Chart.withXAxisStyle (sprintf "training step (mini-batches of %d; %d steps per epoch)" options.BatchSize stepsPerEpoch)
|> Chart.withYAxisStyle "loss (softmax cross-entropy)"
|> Chart.withLegendStyle ( // inside the plot, top right, where the curves have come down
    X = 0.99, Y = 0.98, XAnchor = StyleParam.XAnchorPosition.Right, YAnchor = StyleParam.YAnchorPosition.Top,
    BGColor = Color.fromString "white", BorderColor = Color.fromHex "#bbbbbb", BorderWidth = 1.0)
|> Chart.withSize (1000, 560)
|> Chart.withDisplayOptions selfContained
|> Chart.saveHtml htmlPath // Chart.show would open a browser
printfn "wrote %s" htmlPath

// ---------------------------------------------------------------- checks
let expect (what: string) (ok: bool) =
    if not ok then invalidOp (sprintf "loss-curve: %s" what)
    printfn "ok: %s" what

expect "the epoch loss fell to under a third of the first epoch's" (List.last epochLosses < List.head epochLosses / 3.0)
expect "the HTML file exists" (File.Exists htmlPath)
let html = File.ReadAllText htmlPath
// Plotly.NET writes the figure as `var data = [ trace, ... ];` in a script block.
let dataLine =
    html.Split('\n') |> Array.tryFind (fun l -> l.TrimStart().StartsWith "var data = ")
expect "the HTML has the chart's data" dataLine.IsSome
let traces =
    let json = dataLine.Value.Trim()
    JsonDocument.Parse(json.Substring("var data = ".Length).TrimEnd(';')).RootElement.EnumerateArray() |> List.ofSeq
let traceNamed (name: string) =
    traces |> List.tryFind (fun t -> match t.TryGetProperty "name" with | true, n -> n.GetString() = name | _ -> false)
let values (trace: JsonElement) (axis: string) =
    trace.GetProperty(axis).EnumerateArray() |> Seq.map (fun v -> v.GetDouble()) |> List.ofSeq
let holds (name: string) (xs: int list) (ys: float list) =
    match traceNamed name with
    | Some t -> values t "x" = List.map float xs && values t "y" = ys
    | None -> false
expect "the HTML has exactly the two traces" (List.length traces = 2)
expect "the mini-batch trace holds every step's loss" (holds "mini-batch loss" [ 1 .. stepLosses.Count ] (List.ofSeq stepLosses))
expect "the epoch trace holds every epoch's mean loss"
    (holds "epoch mean loss" [ for e in 1 .. options.Epochs -> e * stepsPerEpoch ] epochLosses)
expect "plotly.js is inline (no external script), so the page renders offline"
    (html.Contains "plotly.js v" && not (html.Contains "<script src="))
