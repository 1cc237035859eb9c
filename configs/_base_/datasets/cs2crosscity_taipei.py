# Cityscapes -> Cross-City Taipei: as cs2crosscity_rome.py, another city.
_base_ = ['./cs2crosscity_rome.py']
city = 'Taipei'
train_dataloader = dict(dataset=dict(target=dict(city=city)))
val_dataloader = dict(dataset=dict(city=city))
test_dataloader = val_dataloader
