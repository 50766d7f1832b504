// A small CNN on generated 12x12 images that contain one horizontal or one vertical bar (plus noise):
// conv 3x3 (6 filters, ReLU) -> max-pool 2 -> flatten -> dense -> 2 logits, softmax cross-entropy,
// SGD with momentum. Prints a progress line per epoch and the accuracy on fresh test images.
using System;
using System.Diagnostics;
using Corgi;
using Corgi.NN;

const int size = 12;

static (Tensor Images, Tensor Labels) Bars(int count, int seed)
{
    var random = new Random(seed);
    var pixels = new double[count * size * size];
    var labels = new double[count];
    for (int n = 0; n < count; n++)
    {
        bool vertical = random.Next(2) == 1;
        int at = random.Next(1, size - 1), from = random.Next(0, 4), length = random.Next(6, size - from + 1);
        var image = pixels.AsSpan(n * size * size, size * size);
        for (int i = 0; i < image.Length; i++) image[i] = 0.3 * random.NextDouble();
        for (int k = from; k < from + length; k++)
            image[vertical ? k * size + at : at * size + k] = 0.7 + 0.3 * random.NextDouble();
        labels[n] = vertical ? 1 : 0;
    }
    return (new Tensor(new[] { count, 1, size, size }, pixels), new Tensor(new[] { count }, labels));
}

var (train, trainLabels) = Bars(512, seed: 1);
var (test, testLabels) = Bars(256, seed: 2);
var init = Initializer.He(seed: 3);
var model = new Model(new ILayer[]
{
    new Conv(inChannels: 1, outChannels: 6, kernelSize: 3, initializer: init, activation: Activation.Relu()),
    new MaxPool(2),
    new Flatten(),
    new Dense(6 * 5 * 5, 2, init),
}, new Sgd(learningRate: 0.05, momentum: 0.9), Cost.SoftmaxCrossEntropy());

var clock = Stopwatch.StartNew();
Console.WriteLine($"before training: test accuracy {model.Accuracy(test, testLabels):P1}");
model.Fit(train, trainLabels, new FitOptions { Epochs = 8, BatchSize = 32, Seed = 4 }, p => Console.WriteLine(p));
double accuracy = model.Accuracy(test, testLabels);
Console.WriteLine($"test accuracy: {accuracy:P1} on {test.Shape[0]} new images ({clock.Elapsed.TotalSeconds:F1} s)");
return accuracy >= 0.9 ? 0 : 1;
