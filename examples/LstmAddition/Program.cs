// An LSTM that learns to add two 5-digit numbers digit by digit, as a person does on paper.
// Step t reads the t-th digits of a and b, least-significant first (one-hot, 10 + 10 inputs), and emits the t-th
// digit of a + b; a sixth step with empty input emits the final carry. The network must learn to keep the carry
// in its state from one step to the next:
//   LSTM(20 -> 48, batch-first) -> dense 48 -> 10 logits at every step
// softmax cross-entropy over all steps, Adam, float32. Prints a progress line per epoch and the accuracy on 1000
// held-out problems (none of them in the training set), and exits 1 unless at least 95 % of those problems have
// every digit of the sum right (per-problem accuracy; the per-digit accuracy is printed too).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Corgi;
using Corgi.LinearAlgebra;
using Corgi.NN;

const int Digits = 5;              // digits of each operand
const int Steps = Digits + 1;      // one more step for the carry out
const int Hidden = 48;
const double RequiredProblemAccuracy = 0.95;

Console.WriteLine(Blas.Summary);

var random = new Random(1);
var trainingPairs = new HashSet<(int, int)>();
while (trainingPairs.Count < 6000) trainingPairs.Add((random.Next(100_000), random.Next(100_000)));
var heldOutPairs = new List<(int, int)>();
while (heldOutPairs.Count < 1000)
{
    var pair = (random.Next(100_000), random.Next(100_000));
    if (!trainingPairs.Contains(pair)) heldOutPairs.Add(pair);
}
var (trainInputs, trainTargets) = Encode(trainingPairs.ToList());
var (testInputs, testTargets) = Encode(heldOutPairs);

// the cost sees logits [N, Steps, 10] and targets [N, Steps]: one classification per step
var softmaxCrossEntropy = Cost.SoftmaxCrossEntropy();
var perStep = new Cost("softmax_cross_entropy_per_step", (logits, targets) =>
    softmaxCrossEntropy.Compute(logits.Reshape(-1, 10), targets.Reshape(-1)));
var model = new Model(new ILayer[]
{
    new Lstm(inputSize: 20, hiddenSize: Hidden, batchFirst: true, initializer: new FanInUniformInitializer(seed: 2)),
    new Dense(Hidden, 10, Initializer.XavierUniform(seed: 3)),
}, new Adam(learningRate: 0.01), perStep).To(DType.Float32);

var clock = Stopwatch.StartNew();
var (problems0, digits0) = HeldOutAccuracy();
Console.WriteLine($"before training: held-out problems right {problems0:P1}, digits right {digits0:P1}");
model.Fit(trainInputs, trainTargets, new FitOptions { Epochs = 12, BatchSize = 50, Seed = 4 }, p => Console.WriteLine(p));
var (problemAccuracy, digitAccuracy) = HeldOutAccuracy();
foreach (var (a, b) in heldOutPairs.Take(5)) Console.WriteLine($"  {a,5} + {b,5} = {Add(a, b),6}  (true: {a + b})");
Console.WriteLine($"held-out problems with every digit right: {problemAccuracy:P1} (required: {RequiredProblemAccuracy:P0}); " +
    $"digits right: {digitAccuracy:P2}; {clock.Elapsed.TotalSeconds:F1} s");
return problemAccuracy >= RequiredProblemAccuracy ? 0 : 1;

// (fraction of held-out problems with all Steps digits right, fraction of digits right), in evaluation mode
(double Problems, double Digits) HeldOutAccuracy()
{
    var predicted = model.Predict(testInputs).ArgMax(2).ToArray();
    var truth = testTargets.ToArray();
    int problemsRight = 0, digitsRight = 0;
    for (int n = 0; n < heldOutPairs.Count; n++)
    {
        int right = 0;
        for (int t = 0; t < Steps; t++) if (predicted[n * Steps + t] == truth[n * Steps + t]) right++;
        digitsRight += right;
        if (right == Steps) problemsRight++;
    }
    return ((double)problemsRight / heldOutPairs.Count, (double)digitsRight / (heldOutPairs.Count * Steps));
}

// the model's sum of a and b, read back from its digits
int Add(int a, int b)
{
    var (input, _) = Encode(new[] { (a, b) });
    var digits = model.Predict(input).ArgMax(2).ToArray();
    int sum = 0;
    for (int t = Steps - 1; t >= 0; t--) sum = sum * 10 + (int)digits[t];
    return sum;
}

// inputs [N, Steps, 20] (one-hot digit of a, one-hot digit of b; all zeros at the carry step) and targets
// [N, Steps] (the digits of a + b), least-significant digit first
static (Tensor Inputs, Tensor Targets) Encode(IReadOnlyList<(int A, int B)> pairs)
{
    var inputs = new float[pairs.Count * Steps * 20];
    var targets = new float[pairs.Count * Steps];
    for (int n = 0; n < pairs.Count; n++)
    {
        var (a, b) = pairs[n];
        int sum = a + b;
        for (int t = 0; t < Steps; t++)
        {
            if (t < Digits)
            {
                inputs[(n * Steps + t) * 20 + a % 10] = 1;
                inputs[(n * Steps + t) * 20 + 10 + b % 10] = 1;
                a /= 10;
                b /= 10;
            }
            targets[n * Steps + t] = sum % 10;
            sum /= 10;
        }
    }
    return (new Tensor(new[] { pairs.Count, Steps, 20 }, inputs), new Tensor(new[] { pairs.Count, Steps }, targets));
}
