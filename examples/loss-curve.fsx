// Trains a classifier on the three-arm spiral set and draws its loss curve as an SVG file written by
// hand (no plotting package): the loss of every mini-batch, the mean loss of every epoch, axes with
// "nice" ticks, grid lines, axis labels, a title and a legend. Writes examples/out/loss-curve.svg and
// examples/out/loss-curve.html (the same SVG inline in a page), then checks that the SVG is well-formed XML
// with both curves, and that the loss fell.
//
// Run: bash scripts/run-fsx-examples.sh   (or dotnet fsi examples/loss-curve.fsx after packing to artifacts/;
// see quickstart.fsx for how the package is found).
#r "nuget: Corgi.FSharp"

open System
open System.IO
open System.Text
open System.Xml.Linq
open Corgi.FSharp

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
/// Tick positions covering [lo, hi] with a step of 1, 2 or 5 times a power of ten (about `count` ticks).
let niceTicks (count: int) (lo: float) (hi: float) =
    let raw = (hi - lo) / float count
    let magnitude = 10.0 ** floor (log10 raw)
    let step =
        [ 1.0; 2.0; 5.0; 10.0 ] |> List.map (fun m -> m * magnitude) |> List.find (fun s -> s >= raw)
    let first = ceil (lo / step - 1e-9) * step
    [ for k in 0 .. int (floor ((hi - first) / step + 1e-9)) -> first + float k * step ], step

/// A tick label without float noise: as many decimals as the step needs.
let tickLabel (step: float) (v: float) =
    let decimals = max 0 (int (ceil (-(log10 step) - 1e-9)))
    v.ToString("F" + string decimals, Globalization.CultureInfo.InvariantCulture)

let width, height = 760.0, 460.0
let left, right, top, bottom = 78.0, 24.0, 54.0, 64.0
let plotW, plotH = width - left - right, height - top - bottom
let steps = float stepLosses.Count
let yMax = Seq.max stepLosses
let yTicks, yStep =
    // extend the ticks to one at or above the highest loss, and let the axis end there
    let ticks, step = niceTicks 6 0.0 yMax
    (if List.last ticks < yMax then ticks @ [ List.last ticks + step ] else ticks), step
let yTop = List.last yTicks
let xTicks, xStep = niceTicks 8 0.0 steps
let px (step: float) = left + step / steps * plotW
let py (loss: float) = top + plotH - loss / yTop * plotH
let f (v: float) = v.ToString("0.##", Globalization.CultureInfo.InvariantCulture)

let svg = StringBuilder()
let add (s: string) = svg.AppendLine s |> ignore
add (sprintf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"DejaVu Sans, Arial, sans-serif\">" (f width) (f height) (f width) (f height))
add (sprintf "<rect x=\"0\" y=\"0\" width=\"%s\" height=\"%s\" fill=\"white\"/>" (f width) (f height))
add (sprintf "<text x=\"%s\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">Training loss: 3-arm spirals, 2-48-48-3 network, Adam (lr 0.005)</text>" (f (width / 2.0)))
// grid and ticks
for t in yTicks do
    let y = py t
    add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#e3e3e3\"/>" (f left) (f y) (f (left + plotW)) (f y))
    add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"black\"/>" (f (left - 5.0)) (f y) (f left) (f y))
    add (sprintf "<text x=\"%s\" y=\"%s\" text-anchor=\"end\" font-size=\"13\">%s</text>" (f (left - 9.0)) (f (y + 4.5)) (tickLabel yStep t))
for t in xTicks do
    let x = px t
    add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#e3e3e3\"/>" (f x) (f top) (f x) (f (top + plotH)))
    add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"black\"/>" (f x) (f (top + plotH)) (f x) (f (top + plotH + 5.0)))
    add (sprintf "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"13\">%s</text>" (f x) (f (top + plotH + 21.0)) (tickLabel xStep t))
// axes
add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"black\" stroke-width=\"1.5\"/>" (f left) (f top) (f left) (f (top + plotH)))
add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"black\" stroke-width=\"1.5\"/>" (f left) (f (top + plotH)) (f (left + plotW)) (f (top + plotH)))
add (sprintf "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"14\">training step (mini-batches of %d; %d steps per epoch)</text>" (f (left + plotW / 2.0)) (f (height - 16.0)) options.BatchSize stepsPerEpoch)
add (sprintf "<text x=\"20\" y=\"%s\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 20 %s)\">loss (softmax cross-entropy)</text>" (f (top + plotH / 2.0)) (f (top + plotH / 2.0)))
// curves: every mini-batch (thin), the mean of each epoch drawn at the epoch's last step (bold, with dots)
let stepPoints = stepLosses |> Seq.mapi (fun i l -> sprintf "%s,%s" (f (px (float (i + 1)))) (f (py l))) |> String.concat " "
add (sprintf "<polyline id=\"step-loss\" fill=\"none\" stroke=\"#9ecae1\" stroke-width=\"1\" points=\"%s\"/>" stepPoints)
let epochXY = epochLosses |> List.mapi (fun e l -> px (float ((e + 1) * stepsPerEpoch)), py l)
let epochPoints = epochXY |> List.map (fun (x, y) -> sprintf "%s,%s" (f x) (f y)) |> String.concat " "
add (sprintf "<polyline id=\"epoch-loss\" fill=\"none\" stroke=\"#d9480f\" stroke-width=\"2.5\" points=\"%s\"/>" epochPoints)
for x, y in epochXY do
    add (sprintf "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"#d9480f\"/>" (f x) (f y))
// legend
let lx, ly = left + plotW - 230.0, top + 14.0
add (sprintf "<rect x=\"%s\" y=\"%s\" width=\"222\" height=\"72\" fill=\"white\" stroke=\"#bbbbbb\"/>" (f lx) (f (ly - 6.0)))
add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#9ecae1\" stroke-width=\"2\"/>" (f (lx + 10.0)) (f (ly + 10.0)) (f (lx + 40.0)) (f (ly + 10.0)))
add (sprintf "<text x=\"%s\" y=\"%s\" font-size=\"13\">mini-batch loss</text>" (f (lx + 48.0)) (f (ly + 14.5)))
add (sprintf "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#d9480f\" stroke-width=\"2.5\"/>" (f (lx + 10.0)) (f (ly + 34.0)) (f (lx + 40.0)) (f (ly + 34.0)))
add (sprintf "<text x=\"%s\" y=\"%s\" font-size=\"13\">epoch mean loss</text>" (f (lx + 48.0)) (f (ly + 38.5)))
add (sprintf "<text x=\"%s\" y=\"%s\" font-size=\"12\" fill=\"#555555\">final training accuracy %.1f%%</text>" (f (lx + 10.0)) (f (ly + 54.0)) (100.0 * accuracy))
add "</svg>"

let outDir = Path.Combine(__SOURCE_DIRECTORY__, "out")
Directory.CreateDirectory outDir |> ignore
let svgPath = Path.Combine(outDir, "loss-curve.svg")
let htmlPath = Path.Combine(outDir, "loss-curve.html")
File.WriteAllText(svgPath, svg.ToString())
File.WriteAllText(
    htmlPath,
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Corgi loss curve</title></head>\n<body>\n"
    + svg.ToString()
    + sprintf "<p>%d epochs, %d steps; epoch mean loss %.4f &#8594; %.4f.</p>\n</body>\n</html>\n" options.Epochs stepLosses.Count (List.head epochLosses) (List.last epochLosses)
)
printfn "wrote %s and %s" svgPath htmlPath

// ---------------------------------------------------------------- checks
let expect (what: string) (ok: bool) =
    if not ok then invalidOp (sprintf "loss-curve: %s" what)
    printfn "ok: %s" what

let doc = XDocument.Load svgPath // throws if the SVG is not well-formed XML
let ns = XNamespace.Get "http://www.w3.org/2000/svg"
let pointsOf id =
    doc.Descendants(ns + "polyline")
    |> Seq.find (fun e -> e.Attribute(XName.Get "id").Value = id)
    |> fun e -> e.Attribute(XName.Get "points").Value.Split(' ').Length
expect "the SVG is well-formed with one point per step and per epoch" (pointsOf "step-loss" = stepLosses.Count && pointsOf "epoch-loss" = options.Epochs)
expect "the SVG has tick labels and axis titles" (doc.Descendants(ns + "text") |> Seq.length >= List.length xTicks + List.length yTicks + 3)
expect "the epoch loss fell to under a third of the first epoch's" (List.last epochLosses < List.head epochLosses / 3.0)
